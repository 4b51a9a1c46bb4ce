#!/usr/bin/env python3
"""A Streamgate gRPC client in Python: publish, then consume with StreamingPull.

It is both an example and a check (test/python/python-client.test.ts runs it against a real
server). It checks health, creates a consumer group, publishes COUNT messages with a binary
field and a text field, consumes them over one StreamingPull stream with less credit than
COUNT (so flow control matters), acks each on the same stream, and verifies that every
message arrived exactly once, byte for byte, and that nothing is left pending. On success it
prints one JSON summary line and exits 0; on any mismatch or error it exits 1.

Stubs are generated from the proto files, here with Debian's packages (protobuf-compiler,
protobuf-compiler-grpc, python3-grpcio, python3-protobuf), from the repository root:

    mkdir -p /tmp/sg-py
    protoc -I proto -I node_modules/grpc-health-check/proto \\
      --python_out=/tmp/sg-py --grpc_python_out=/tmp/sg-py \\
      --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin \\
      streamgate/v1/streamgate.proto health/v1/health.proto
    PYTHONPATH=/tmp/sg-py /usr/bin/python3 test/python/client.py 127.0.0.1:50051 demo 25
"""

import argparse
import json
import queue
import sys

import grpc

from health.v1 import health_pb2, health_pb2_grpc
from streamgate.v1 import streamgate_pb2 as pb
from streamgate.v1 import streamgate_pb2_grpc

SERVICE = "streamgate.v1.StreamGateway"
RPC_TIMEOUT_S = 10  # deadline of each unary call
STREAM_TIMEOUT_S = 30  # deadline of the whole StreamingPull call


class Mismatch(Exception):
    """The server did not do what the API promises."""


def check(condition, message):
    if not condition:
        raise Mismatch(message)


def payload(i):
    """The fields of message i: `blob` is bytes that are not valid UTF-8 (0xff never occurs
    in UTF-8), `text` is UTF-8 text."""
    return {
        "blob": b"\xff\xfe\x00\xc3\x28" + i.to_bytes(4, "big"),
        "text": f"order {i}: caf\u00e9 \u2713".encode("utf-8"),
    }


class RequestQueue:
    """The client side of a bidi stream: gRPC pulls requests from this iterator (on its
    own thread) while the main thread reads responses and puts acks in the queue."""

    _CLOSE = object()

    def __init__(self, first):
        self._queue = queue.Queue()
        self._queue.put(first)

    def send(self, request):
        self._queue.put(request)

    def close(self):
        """Half-closes the stream: the server then ends the call (status OK)."""
        self._queue.put(self._CLOSE)

    def __iter__(self):
        return self

    def __next__(self):
        request = self._queue.get()
        if request is self._CLOSE:
            raise StopIteration
        return request


def consume(stub, stream, group, expected, max_outstanding):
    """Receives every expected message over one StreamingPull and acks each on the stream.

    Returns (received fields by ID, most unacked messages held at once, responses read).
    """
    requests = RequestQueue(
        pb.StreamingPullRequest(
            stream=stream,
            group=group,
            consumer="python-worker",
            # Credit: the server never has more unacked messages out on this stream.
            max_outstanding_messages=max_outstanding,
        )
    )
    responses = stub.StreamingPull(requests, timeout=STREAM_TIMEOUT_S)
    received = {}  # id -> fields
    acks_sent = set()
    acks_ok = set()
    unacked_max = 0
    reads = 0
    try:
        for response in responses:
            reads += 1
            to_ack = []
            for message in response.messages:
                check(message.id in expected, f"received {message.id}, which was not published")
                check(message.id not in received, f"received {message.id} twice")
                check(message.delivery_count == 1, f"{message.id}: delivery_count {message.delivery_count}, expected 1")
                received[message.id] = dict(message.fields)
                to_ack.append(message.id)  # "process" the message, then ack it
            # The server can only have counted the acks it received: delivered minus acks
            # sent is an upper bound of what it thinks is outstanding.
            unacked = len(received) - len(acks_sent)
            unacked_max = max(unacked_max, unacked)
            check(
                unacked <= max_outstanding,
                f"{unacked} unacked messages delivered, over max_outstanding_messages {max_outstanding}",
            )
            # Each ack, nack or extension is answered on its own, in a later response.
            for result in response.ack_results:
                check(result.id in acks_sent, f"ack result for {result.id}, which was not acked")
                check(result.id not in acks_ok, f"two ack results for {result.id}")
                check(
                    result.operation == pb.ACK_OPERATION_ACK,
                    f"{result.id}: operation {pb.AckOperation.Name(result.operation)}, expected ACK_OPERATION_ACK",
                )
                check(
                    result.status == pb.ACK_STATUS_OK,
                    f"{result.id}: ack status {pb.AckStatus.Name(result.status)}, expected ACK_STATUS_OK",
                )
                acks_ok.add(result.id)
            if to_ack:
                requests.send(pb.StreamingPullRequest(ack_ids=to_ack))
                acks_sent.update(to_ack)
            if len(acks_ok) == len(expected):
                break
        else:
            raise Mismatch(f"the server ended the stream after {len(acks_ok)} of {len(expected)} acks")
        # Everything is acked: half-close, and read what is left until the server ends the
        # call. Nothing more should come (every message was delivered once).
        requests.close()
        for response in responses:
            check(not response.messages, f"message {response.messages[0].id} delivered after all were acked")
        check(responses.code() == grpc.StatusCode.OK, f"StreamingPull ended with {responses.code()}")
    finally:
        requests.close()  # no-op when already closed; stops the request thread on errors
        responses.cancel()  # no-op when the call is over
    return received, unacked_max, reads


def run(address, stream, count, group, max_outstanding):
    with grpc.insecure_channel(address) as channel:
        grpc.channel_ready_future(channel).result(timeout=RPC_TIMEOUT_S)

        # 1. Health: SERVING while the gateway reaches Redis.
        health = health_pb2_grpc.HealthStub(channel)
        reply = health.Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=RPC_TIMEOUT_S)
        check(
            reply.status == health_pb2.HealthCheckResponse.SERVING,
            f"health of {SERVICE}: {health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)}",
        )

        gateway = streamgate_pb2_grpc.StreamGatewayStub(channel)

        # 2. A group that sees only messages published from now on ("$"), with a 5 s lease.
        gateway.CreateGroup(
            pb.CreateGroupRequest(stream=stream, group=group, start="$", create_stream=True, lease_ms=5000),
            timeout=RPC_TIMEOUT_S,
        )

        # 3. Publish, one batch (all or nothing). Values are bytes, stored byte-exact.
        sent = [payload(i) for i in range(count)]
        published = gateway.Publish(
            pb.PublishRequest(stream=stream, messages=[pb.PublishMessage(fields=f) for f in sent]),
            timeout=RPC_TIMEOUT_S,
        )
        check(len(published.ids) == count, f"Publish returned {len(published.ids)} IDs for {count} messages")
        expected = dict(zip(published.ids, sent))
        check(len(expected) == count, "Publish returned duplicate IDs")

        # 4. Consume and ack everything over one StreamingPull stream.
        received, unacked_max, reads = consume(gateway, stream, group, expected, max_outstanding)

        # 5. Exactly once, byte for byte.
        missing = [i for i in expected if i not in received]
        check(not missing, f"{len(missing)} messages never arrived, first {missing[:1]}")
        for message_id, fields in expected.items():
            got = received[message_id]
            check(got == fields, f"{message_id}: fields {got!r}, published {fields!r}")

        # 6. Nothing pending in the group.
        pending = gateway.Pending(pb.PendingRequest(stream=stream, group=group), timeout=RPC_TIMEOUT_S)
        check(pending.count == 0, f"{pending.count} messages still pending")

        return {
            "ok": True,
            "stream": stream,
            "group": group,
            "published": count,
            "received": len(received),
            "acked": len(received),
            "max_outstanding_messages": max_outstanding,
            "max_unacked_seen": unacked_max,
            "responses": reads,
            "pending": pending.count,
            "first_id": published.ids[0],
            "last_id": published.ids[-1],
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("address", help="host:port of the gateway's gRPC server, e.g. 127.0.0.1:50051")
    parser.add_argument("stream", help="stream to publish to and consume from")
    parser.add_argument("count", type=int, help="number of messages (1 to 1000)")
    parser.add_argument("--group", default="python-client", help="consumer group to create (default: python-client)")
    parser.add_argument(
        "--max-outstanding",
        type=int,
        help="StreamingPull credit (default: 10, or COUNT-1 if smaller, so flow control matters)",
    )
    args = parser.parse_args()
    if not 1 <= args.count <= 1000:
        parser.error("count must be 1 to 1000 (one Publish batch)")
    max_outstanding = args.max_outstanding or max(1, min(10, args.count - 1))

    try:
        summary = run(args.address, args.stream, args.count, args.group, max_outstanding)
    except Mismatch as err:
        print(f"client.py: FAIL: {err}", file=sys.stderr)
        return 1
    except grpc.RpcError as err:
        # Every error status carries the contract's code in trailing metadata `error-code`.
        trailers = dict(err.trailing_metadata() or ())
        print(
            f"client.py: FAIL: gRPC {err.code().name} ({trailers.get('error-code', 'no error-code')}): {err.details()}",
            file=sys.stderr,
        )
        return 1
    except grpc.FutureTimeoutError:
        print(f"client.py: FAIL: no connection to {args.address} within {RPC_TIMEOUT_S} s", file=sys.stderr)
        return 1
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
