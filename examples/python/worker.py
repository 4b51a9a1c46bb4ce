#!/usr/bin/env python3
"""A Streamgate worker in Python on gRPC stubs generated from proto/streamgate/v1/streamgate.proto.

It pulls batches (unary Pull, waiting up to a second), processes each message, restarts the
leases of the batch every third of the group lease_ms from a heartbeat thread while it works
(so a message that takes longer than the lease is not redelivered to another worker), acks
each message once processed (naming its consumer: a message whose lease was lost to another
worker is left to that worker, `acked` false), and stops gracefully on SIGINT or SIGTERM: the message in hand
is finished and acked, the rest of the batch is released (Nack) for other workers at once.
Each batch and each processed message is printed as one JSON line.

Needs Debian's packages (apt-get install python3-grpcio python3-protobuf protobuf-compiler
protobuf-compiler-grpc). From the repository root, with a gateway's gRPC port on
127.0.0.1:50051 and a group:

    npm run clients:py    # protoc writes examples/python/generated/ (git-ignored)
    PYTHONPATH=examples/python/generated /usr/bin/python3 examples/python/worker.py \\
        127.0.0.1:50051 orders billing worker-1

With API keys, set STREAMGATE_API_KEY. The work here is a stand-in: it waits `sleepMs` (a
field of the message, default 0).
"""

import json
import os
import signal
import sys
import threading
import time

import grpc

from streamgate.v1 import streamgate_pb2 as pb
from streamgate.v1 import streamgate_pb2_grpc

TIMEOUT_S = 10  # deadline of each call, beyond the pull's own wait
RETRY = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED)


def emit(**event):
    print(json.dumps(event), flush=True)


def process_message(message):
    """The work itself. Replace with yours."""
    time.sleep(int(message.fields.get("sleepMs", b"0")) / 1000)


class Heartbeat(threading.Thread):
    """Restarts the leases of the held messages every third of the lease."""

    def __init__(self, stub, request, held, lock, lease_ms, metadata):
        super().__init__(daemon=True)
        self.stub, self.request, self.held, self.lock = stub, request, held, lock
        self.every_s, self.metadata = lease_ms / 3000, metadata
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(self.every_s):
            with self.lock:
                ids = sorted(self.held)
            if not ids:
                continue
            try:
                reply = self.stub.ExtendLease(
                    pb.ExtendLeaseRequest(ids=ids, **self.request), timeout=TIMEOUT_S, metadata=self.metadata
                )
                with self.lock:  # an ID acked while this extension was under way is not lost
                    lost = [i for i in reply.not_pending if i in self.held]
                emit(event="extended", ids=ids, extended=reply.extended, lost=lost)
            except grpc.RpcError as err:
                print(f"extend: {err.code().name} {err.details()}", file=sys.stderr)


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: worker.py HOST:PORT STREAM GROUP CONSUMER   (env STREAMGATE_API_KEY)")
    target, stream, group, consumer = sys.argv[1:]
    key = os.environ.get("STREAMGATE_API_KEY")
    metadata = [("authorization", f"Bearer {key}")] if key else []
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())

    with grpc.insecure_channel(target) as channel:
        stub = streamgate_pb2_grpc.StreamGatewayStub(channel)
        info = stub.GetGroup(pb.GetGroupRequest(stream=stream, group=group), timeout=TIMEOUT_S, metadata=metadata)
        lease_ms = info.group.lease_ms  # 0: leases disabled, nothing to extend
        emit(event="started", consumer=consumer, leaseMs=lease_ms)
        mine = {"stream": stream, "group": group, "consumer": consumer}
        processed = 0
        while not stopping.is_set():
            try:
                batch = stub.Pull(pb.PullRequest(count=10, wait_ms=1000, **mine), timeout=TIMEOUT_S, metadata=metadata)
            except grpc.RpcError as err:
                if err.code() not in RETRY:
                    raise
                time.sleep(1)
                continue
            if batch.messages:
                emit(event="pulled", ids=[m.id for m in batch.messages])
            held, lock = {m.id for m in batch.messages}, threading.Lock()
            heartbeat = Heartbeat(stub, mine, held, lock, lease_ms, metadata) if lease_ms > 0 else None
            if heartbeat:
                heartbeat.start()
            try:
                for message in batch.messages:
                    if stopping.is_set():
                        break
                    process_message(message)
                    with lock:  # before the ack: the heartbeat must not extend it while it is acked
                        held.discard(message.id)
                    ack = stub.Ack(pb.AckRequest(ids=[message.id], **mine), timeout=TIMEOUT_S, metadata=metadata)
                    processed += 1
                    emit(event="processed", id=message.id, deliveryCount=message.delivery_count, acked=ack.acked == 1)
            finally:
                if heartbeat:
                    heartbeat.done.set()
                    heartbeat.join()
            if held and lease_ms > 0:
                # Stopping with messages not started: let other workers have them now, not after the lease.
                nack = stub.Nack(pb.NackRequest(ids=sorted(held), delay_ms=0, **mine), timeout=TIMEOUT_S, metadata=metadata)
                emit(event="released", ids=sorted(held), released=nack.released)
        emit(event="stopped", processed=processed)


if __name__ == "__main__":
    try:
        main()
    except grpc.RpcError as err:
        sys.exit(f"{err.code().name}: {err.details()}")
