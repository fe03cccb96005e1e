#!/usr/bin/env python3
"""Writes event-streams.smithy: our own eventStreamTests for the RPC
protocols' event streams (awsJson1_0, rpcv2Cbor, rpcv2Json), which Smithy's
suites do not cover. Each protocol gets the same cases, its messages'
payloads in its own format: JSON for the JSON protocols, CBOR (base64 in
the cases, as Smithy's CBOR tests write bodies) for RPC v2 CBOR.

Run it from anywhere: `python3 conformance/specs/protocol/event_streams/generate.py`.
"""

import base64
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def cbor(value):
    """A minimal deterministic CBOR encoder: maps (keys in the order given),
    text, byte strings, integers, booleans, and timestamps (tag 1)."""
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for size, ai in ((1, 24), (2, 25), (4, 26), (8, 27)):
            if n < 1 << (8 * size):
                return bytes([major << 5 | ai]) + n.to_bytes(size, "big")
        raise ValueError(n)

    if isinstance(value, Timestamp):
        # Epoch seconds as a double, as Smithy's RPC v2 CBOR tests write them.
        return b"\xc1\xfb" + struct.pack(">d", value.seconds)
    if isinstance(value, bool):
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, str):
        data = value.encode()
        return head(3, len(data)) + data
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    raise TypeError(value)


class Timestamp:
    def __init__(self, seconds):
        self.seconds = seconds


def plain(value):
    """A payload's members as JSON writes them: timestamps epoch seconds."""
    if isinstance(value, Timestamp):
        return value.seconds
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


class Protocol:
    def __init__(self, name, trait, service, media_type):
        self.name, self.trait, self.service, self.media_type = name, trait, service, media_type

    def body(self, members):
        """A payload document, as the case writes it, and its media type."""
        if self.media_type == "application/cbor":
            return base64.b64encode(cbor(members)).decode(), self.media_type
        return json.dumps(plain(members), separators=(",", ":")), "application/json"

    def head(self, operation, streamed):
        """The initial request's head: a stream's body is the events."""
        if self.trait == "awsJson1_0":
            content_type = "application/vnd.amazon.eventstream" if streamed else "application/x-amz-json-1.0"
            return {"method": "POST", "uri": "/",
                    "headers": {"Host": "localhost", "X-Amz-Target": f"{self.service}.{operation}",
                                "Content-Type": content_type}}
        content_type = "application/vnd.amazon.eventstream" if streamed else self.media_type
        return {"method": "POST", "uri": f"/service/{self.service}/operation/{operation}",
                "headers": {"Host": "localhost", "smithy-protocol": self.name, "Content-Type": content_type}}

    def response_headers(self):
        headers = {"Content-Type": "application/vnd.amazon.eventstream"}
        if self.trait != "awsJson1_0":
            headers["smithy-protocol"] = self.name
        return headers


PROTOCOLS = [
    Protocol("aws-json-1.0", "awsJson1_0", "JsonRpcEvents", "application/json"),
    Protocol("rpc-v2-cbor", "rpcv2Cbor", "CborEvents", "application/cbor"),
    Protocol("rpc-v2-json", "rpcv2Json", "JsonEvents", "application/json"),
]


def s(text):
    return {"string": text}


def event(p, kind, name, members=None, headers=None, raw=None, params=None, direction="request"):
    """One message: `:message-type` `kind` naming `name`, typed `headers`,
    and a document payload of `members` or a `raw` (bytes, media type) one."""
    name_header = ":event-type" if kind == "event" else ":exception-type"
    out = {"type": direction, "headers": {":message-type": s(kind), name_header: s(name)}}
    out["headers"].update(headers or {})
    if raw is not None:
        data, media_type = raw
        out["headers"][":content-type"] = s(media_type)
        out["body"] = data
        out["bodyMediaType"] = media_type
    elif members is not None:
        body, media_type = p.body(members)
        out["headers"][":content-type"] = s(p.media_type)
        out["body"], out["bodyMediaType"] = body, media_type
    if params is not None:
        out["params"] = params
    return out


def initial(p, kind, members, direction):
    return event(p, "event", kind, members=members, direction=direction)


AT = 1700000000


def input_events(p, direction="request"):
    """One event of each kind, and the parameters each is read as."""
    return [
        event(p, "event", "headers", headers={"count": {"integer": 3}, "label": s("three"), "flag": {"boolean": True}},
              params={"headers": {"count": 3, "label": "three", "flag": True}}, direction=direction),
        event(p, "event", "blob", raw=("abc", "application/octet-stream"),
              params={"blob": {"data": "abc"}}, direction=direction),
        event(p, "event", "point", members={"x": 1, "y": -2}, params={"point": {"point": {"x": 1, "y": -2}}},
              direction=direction),
        event(p, "event", "note", headers={"author": s("ada")}, members={"text": "hello", "at": Timestamp(AT)},
              params={"note": {"author": "ada", "text": "hello", "at": AT}}, direction=direction),
    ]


def cases(p):
    upload = lambda streamed=True: p.head("Upload", streamed)
    prefix = {"aws-json-1.0": "AwsJson10", "rpc-v2-cbor": "RpcV2Cbor", "rpc-v2-json": "RpcV2Json"}[p.name]
    out = {"Upload": [], "Subscribe": [], "Chat": []}
    out["Upload"] += [
        {"id": f"{prefix}UploadReadsTheInitialRequestThenEachEvent",
         "documentation": "The input's members come in the initial-request message, then the events.",
         "initialRequest": upload(), "initialRequestParams": {"id": "up-1"},
         "events": [initial(p, "initial-request", {"id": "up-1"}, "request")] + input_events(p)},
        {"id": f"{prefix}UploadWithoutAnInitialRequestReadsTheFirstEvent",
         "documentation": "A stream that opens with an event has no initial request: its members are none, and "
                          "the required id is missing.",
         "initialRequest": upload(), "expectation": {"failure": {}},
         "events": input_events(p)[:1]},
        {"id": f"{prefix}UploadRefusesAnInvalidInitialRequest",
         "documentation": "The initial request's members are checked before the handler is called.",
         "initialRequest": upload(), "expectation": {"failure": {}},
         "events": [initial(p, "initial-request", {"id": ""}, "request")] + input_events(p)[:1]},
        {"id": f"{prefix}UploadEndsAtAnInvalidEvent",
         "documentation": "An event that breaks the model's constraints ends the stream.",
         "initialRequest": upload(), "initialRequestParams": {"id": "up-2"}, "expectation": {"failure": {}},
         "events": [initial(p, "initial-request", {"id": "up-2"}, "request"),
                    event(p, "event", "note", members={"text": "a note far longer than twenty"})]},
        {"id": f"{prefix}UploadEndsAtAMalformedEvent",
         "documentation": "An event whose payload is not a document of the protocol's ends the stream.",
         "initialRequest": upload(), "initialRequestParams": {"id": "up-3"}, "expectation": {"failure": {}},
         "events": [initial(p, "initial-request", {"id": "up-3"}, "request"),
                    event(p, "event", "point", raw=("{" if p.media_type != "application/cbor" else "oQ==",
                                                     p.media_type))]},
        {"id": f"{prefix}UploadEndsAtAnUnknownEvent",
         "documentation": "An event the stream's union has no member for ends the stream.",
         "initialRequest": upload(), "initialRequestParams": {"id": "up-4"}, "expectation": {"failure": {}},
         "events": [initial(p, "initial-request", {"id": "up-4"}, "request"),
                    event(p, "event", "nope", members={})]},
        {"id": f"{prefix}UploadEndsAtTheClientsError",
         "documentation": "A modelled error the client sends is the last event read.",
         "initialRequest": upload(), "initialRequestParams": {"id": "up-5"},
         "expectation": {"failure": {"errorId": "awsgen.protocoltests.eventstreams#ProblemEvent"}},
         "events": [initial(p, "initial-request", {"id": "up-5"}, "request"), input_events(p)[0],
                    event(p, "exception", "problem", members={"message": "stop"},
                          params={"problem": {"message": "stop"}})]},
    ]
    subscribe = p.head("Subscribe", False)
    body, media_type = p.body({"topic": "news"})
    subscribe["body"], subscribe["bodyMediaType"] = body, media_type
    out["Subscribe"] += [
        {"id": f"{prefix}SubscribeWritesTheInitialResponseThenEachEvent",
         "documentation": "The output's members go in the initial-response message, then the events.",
         "initialRequest": subscribe, "initialRequestParams": {"topic": "news"},
         "initialResponseParams": {"topic": "news"},
         "initialResponse": {"code": 200, "headers": p.response_headers()},
         "events": [initial(p, "initial-response", {"topic": "news"}, "response")] + input_events(p, "response")},
        {"id": f"{prefix}SubscribeEndsWithAModelledError",
         "documentation": "An error variant is sent as an exception, which ends the stream.",
         "initialRequest": subscribe, "initialRequestParams": {"topic": "news"},
         "initialResponseParams": {"topic": "news"},
         "initialResponse": {"code": 200, "headers": p.response_headers()},
         "events": [initial(p, "initial-response", {"topic": "news"}, "response"),
                    input_events(p, "response")[0],
                    event(p, "exception", "problem", members={"message": "gone"},
                          params={"problem": {"message": "gone"}}, direction="response")]},
    ]
    out["Chat"] += [
        {"id": f"{prefix}ChatReadsAndWritesStreams",
         "documentation": "Both initial messages, then events both ways.",
         "initialRequest": p.head("Chat", True), "initialRequestParams": {"room": "r1"},
         "initialResponseParams": {"room": "r1"},
         "initialResponse": {"code": 200, "headers": p.response_headers()},
         "events": [initial(p, "initial-request", {"room": "r1"}, "request"), input_events(p)[3],
                    initial(p, "initial-response", {"room": "r1"}, "response"),
                    input_events(p, "response")[2]]},
    ]
    for operation in out.values():
        for case in operation:
            namespace = "aws.protocols" if p.trait == "awsJson1_0" else "smithy.protocols"
            case["protocol"] = f"{namespace}#{p.trait}"
            case["appliesTo"] = "server"
    return out


def node(value, indent):
    """A Smithy node value, as JSON is one."""
    return json.dumps(value, indent=4).replace("\n", "\n" + " " * indent)


HEADER = '''$version: "2.0"

// @generated by generate.py in this directory: edit it, not this file.
//
// Event streams in the RPC protocols (awsJson1_0, rpcv2Cbor, rpcv2Json),
// which Smithy's suites do not test: each operation's input stream opens
// with an initial-request message holding the input's other members, each
// output stream with an initial-response one, and every event's document
// payload is in the protocol's format.

namespace awsgen.protocoltests.eventstreams

use aws.protocols#awsJson1_0
use smithy.protocols#rpcv2Cbor
use smithy.protocols#rpcv2Json
use smithy.test#eventStreamTests

@awsJson1_0
service JsonRpcEvents {
    version: "2026-12-07"
    operations: [Upload, Subscribe, Chat]
}

@rpcv2Cbor
service CborEvents {
    version: "2026-12-07"
    operations: [Upload, Subscribe, Chat]
}

@rpcv2Json
service JsonEvents {
    version: "2026-12-07"
    operations: [Upload, Subscribe, Chat]
}

@streaming
union Events {
    headers: HeadersEvent
    blob: BlobEvent
    point: PointEvent
    note: NoteEvent
    problem: ProblemEvent
}

structure HeadersEvent {
    @eventHeader
    count: Integer

    @eventHeader
    label: String

    @eventHeader
    flag: Boolean
}

structure BlobEvent {
    @eventPayload
    data: Blob
}

structure PointEvent {
    @eventPayload
    point: Point
}

structure Point {
    @required
    x: Integer

    @required
    y: Integer
}

structure NoteEvent {
    @eventHeader
    author: String

    @length(max: 20)
    text: String

    at: Timestamp
}

@error("client")
structure ProblemEvent {
    message: String
}

structure UploadInput {
    @required
    @length(min: 1, max: 10)
    id: String

    stream: Events
}

structure UploadOutput {
    received: Integer
}

structure SubscribeInput {
    @required
    topic: String
}

structure SubscribeOutput {
    topic: String

    stream: Events
}

structure ChatInput {
    room: String

    stream: Events
}

structure ChatOutput {
    room: String

    stream: Events
}
'''

OPERATIONS = {"Upload": ("UploadInput", "UploadOutput"), "Subscribe": ("SubscribeInput", "SubscribeOutput"),
              "Chat": ("ChatInput", "ChatOutput")}


def main():
    by_operation = {name: [] for name in OPERATIONS}
    for p in PROTOCOLS:
        for name, found in cases(p).items():
            by_operation[name] += found
    text = HEADER
    for name, (input_shape, output_shape) in OPERATIONS.items():
        text += f"\n@eventStreamTests({node(by_operation[name], 0)})\n"
        text += f"operation {name} {{\n    input: {input_shape}\n    output: {output_shape}\n}}\n"
    with open(os.path.join(HERE, "event-streams.smithy"), "w") as f:
        f.write(text)


main()
