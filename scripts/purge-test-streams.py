#!/usr/bin/env python3
"""Deletes JetStream streams (and KV buckets) left behind by tests on the local NATS server.

Tests isolate themselves with a `t_<uuid>` namespace (test_support::local_common_config) and normally delete their
streams; a test that panics midway may not. Leftovers would keep their storage reservation and, over many runs,
exhaust the server's JetStream storage, so `make test` sweeps them before and after the run. Only names that start
with the test prefix are touched; a deployment's streams are never deleted. Standard library only.
"""
import json
import os
import socket
import sys
import time

HOST = os.environ.get("NATS_HOST", "127.0.0.1")
PORT = int(os.environ.get("NATS_PORT", "4222"))
PREFIXES = ("t_", "KV_t_", "OBJ_t_")


def request(sock, reader, subject, payload=b""):
    inbox = "_INBOX.purge%d" % time.time_ns()
    sock.sendall(f"SUB {inbox} 1\r\nUNSUB 1 1\r\nPUB {subject} {inbox} {len(payload)}\r\n".encode() + payload + b"\r\n")
    while True:
        line = reader.readline()
        if not line:
            raise ConnectionError("NATS closed the connection")
        if line.startswith(b"PING"):
            sock.sendall(b"PONG\r\n")
        elif line.startswith(b"MSG"):
            size = int(line.split()[-1])
            return json.loads(reader.read(size + 2)[:-2])
        elif line.startswith(b"-ERR"):
            raise ConnectionError(line.decode().strip())


def main():
    try:
        sock = socket.create_connection((HOST, PORT), timeout=10)
    except OSError as error:
        print(f"purge-test-streams: NATS not reachable ({error}); nothing to do")
        return 0
    reader = sock.makefile("rb")
    reader.readline()  # INFO
    sock.sendall(b'CONNECT {"verbose":false,"pedantic":false}\r\n')
    names, offset = [], 0
    while True:
        reply = request(sock, reader, "$JS.API.STREAM.NAMES", json.dumps({"offset": offset}).encode())
        if "error" in reply:
            print(f"purge-test-streams: {reply['error']}")
            return 0
        names += reply.get("streams") or []
        offset += reply.get("limit", 1024) or 1024
        if offset >= reply.get("total", 0):
            break
    stale = [n for n in names if n.startswith(PREFIXES)]
    for name in stale:
        request(sock, reader, f"$JS.API.STREAM.DELETE.{name}")
    print(f"purge-test-streams: {len(stale)} test stream(s) removed, {len(names) - len(stale)} other(s) kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
