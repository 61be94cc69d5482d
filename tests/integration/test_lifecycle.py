#!/usr/bin/python3
"""The server as a program: command line and config file, /healthz and /metrics, a client that
stops reading is closed with 4001 while the others go on, and SIGTERM closes every client with 1001
after answering what was in flight, then exits 0."""

import asyncio
import base64
import json
import os
import signal
import socket
import struct
import time

from sbtest import (EVENT, SERVER, VENUE, Client, Server, TestFailure, check, run,
                    venue_free_seat_ids)

MAX_QUEUE = 128 * 1024


def cli_checks(server):
    def status(*args):
        return server.run_command(*args, check_status=False)

    r = status("--help")
    check(r.returncode == 0 and "--port-file" in r.stdout and "create-event" in r.stdout
          and "max-queue-bytes" in r.stdout, "--help: %r" % r.stdout)
    r = status("create-event", "--help")
    check(r.returncode == 0 and "--if-missing" in r.stdout, "create-event --help")
    check(status("--no-such-option").returncode == 2, "unknown option must exit 2")
    check(status("--port=eighty").returncode == 2, "bad port must exit 2")
    check(status("--log-level=loud").returncode == 2, "bad log level must exit 2")
    check(status("--burst=0").returncode == 2, "burst 0 must exit 2")
    check(status("frobnicate").returncode == 2, "unknown command must exit 2")
    check(status("create-event", "--store=" + server.store, "--id=x").returncode == 2,
          "create-event without --venue/--name must exit 2")
    junk = os.path.join(server.tmpdir, "junk.json")
    with open(junk, "w") as f:
        f.write("{\"not\": \"a venue\"}")
    r = status("create-event", "--store=" + server.store, "--venue=" + junk, "--id=x", "--name=X")
    check(r.returncode == 2 and r.stderr, "invalid venue must exit 2: %r" % r.stderr)
    r = status("--store=sqlite:/proc/seatbook-cannot-be-here/db", "--port=0")
    check(r.returncode == 1 and "store" in r.stderr.lower(), "unopenable store must exit 1: %r" % r.stderr)
    r = status("create-event", "--store=" + server.store, "--venue=" + VENUE, "--id=" + EVENT, "--name=Again")
    check(r.returncode == 1, "creating an existing event must fail")
    r = status("create-event", "--store=" + server.store, "--venue=" + VENUE, "--id=" + EVENT,
               "--name=Again", "--if-missing")
    check(r.returncode == 0, "--if-missing must succeed")
    r = status("list-events", "--store=" + server.store)
    check(r.returncode == 0 and r.stdout.startswith(EVENT + "\t"), "list-events: %r" % r.stdout)
    bad_config = os.path.join(server.tmpdir, "bad.conf")
    with open(bad_config, "w") as f:
        f.write("[server]\nno-such-key=1\n")
    check(status("--config=" + bad_config).returncode == 2, "unknown config key must exit 2")


class RawClient:
    """A bare WebSocket client on a socket with a tiny receive buffer, so that when it stops reading
    the server's data piles up on the server's side at once."""

    def __init__(self, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(30)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n" % (port, key)).encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.sock.recv(1)  # byte by byte: nothing past the headers is taken
        check(self.buffer.startswith(b"HTTP/1.1 101"), "no upgrade: %r" % self.buffer)
        self.buffer = b""

    def send(self, obj):
        payload = json.dumps(obj).encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        else:
            header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def read_until_close(self):
        """Reads frames until the close frame; returns its code (None if the stream just ends)."""
        while True:
            while True:
                frame = self._parse()
                if frame is None:
                    break
                opcode, payload = frame
                if opcode == 0x8:
                    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buffer += data

    def _parse(self):
        b = self.buffer
        if len(b) < 2:
            return None
        length, at = b[1] & 0x7f, 2
        if length == 126:
            if len(b) < 4:
                return None
            length, at = struct.unpack("!H", b[2:4])[0], 4
        elif length == 127:
            if len(b) < 10:
                return None
            length, at = struct.unpack("!Q", b[2:10])[0], 10
        if len(b) < at + length:
            return None
        self.buffer = b[at + length:]
        return b[0] & 0x0f, b[at:at + length]


async def main():
    seats = venue_free_seat_ids()
    with Server() as server:
        server.create_event()
        cli_checks(server)

        config = os.path.join(server.tmpdir, "server.conf")
        with open(config, "w") as f:
            f.write("[server]\nrequests-per-second=1000\nburst=7\nmax-queue-bytes=%d\n" % MAX_QUEUE)
        # The command line wins over the file.
        server.start("--config=" + config, "--burst=1000")

        # /healthz and /metrics
        status, ctype, body = server.http_get("/healthz")
        health = json.loads(body)
        check(status == 200 and ctype.startswith("application/json") and health["status"] == "ok"
              and health["events"] == 1, "healthz: %r" % body)

        fast = await Client.connect(server)
        check(fast.welcome["limits"]["requests_per_second"] == 1000 and fast.welcome["limits"]["burst"] == 1000,
              "config/command line: %r" % fast.welcome["limits"])
        await fast.request("subscribe", event=EVENT)
        watcher = await Client.connect(server)
        await watcher.request("subscribe", event=EVENT)

        # A client that stops reading while it keeps asking for snapshots.
        slow = RawClient(server.port)
        slow.send({"type": "hello", "id": "1", "client": "slow", "client_id": "slow", "protocol": 1})
        slow.send({"type": "sign_in", "id": "2", "token": server.tokens["clerk"]})
        sent = 0
        while (server.metric('seatbook_clients_disconnected_total{reason="too_slow"}') or 0) < 1:
            check(sent < 2000, "the slow client was never disconnected")
            for _ in range(10):
                slow.send({"type": "subscribe", "id": "s%d" % sent, "event": EVENT})
                sent += 1
            # The others go on meanwhile.
            held = await fast.request("hold", event=EVENT, seats=[seats[sent % 50]], ttl=60)
            check(held["type"] == "held", "fast client: %r" % held)
            check((await fast.request("release", hold=held["hold"]))["type"] == "released", "release")
        code = slow.read_until_close()
        check(code == 4001, "slow client closed with %r, not 4001" % code)
        check((await fast.request("ping"))["type"] == "pong", "fast client after the slow one")
        version = server.db_version()
        await watcher.wait_version(EVENT, version)
        await fast.wait_version(EVENT, version)

        _, ctype, text = server.http_get("/metrics")
        check(ctype.startswith("text/plain"), "metrics content type %r" % ctype)
        for needle in ("seatbook_connections ", 'seatbook_requests_total{type="hello",outcome="ok"}',
                       "seatbook_commit_seconds_bucket{le=", "seatbook_broadcast_lag_seconds_count",
                       "seatbook_events 1", "seatbook_store_batches_total", "seatbook_messages_sent_total",
                       'seatbook_clients_disconnected_total{reason="too_slow"} 1'):
            check(needle in text, "metrics lack %r" % needle)

        # SIGTERM with requests in flight: they are answered, then every client gets 1001.
        futures = [await fast.send("hold", event=EVENT, seats=[seats[60 + i]], ttl=600) for i in range(20)]
        server.proc.send_signal(signal.SIGTERM)
        codes = [await c.wait_closed() for c in (fast, watcher)]
        check(codes == [1001, 1001], "close codes at shutdown: %r" % codes)
        check(server.stop() == 0, "exit status after SIGTERM")
        answered = [f.result() for f in futures if f.done() and not f.exception()]
        held = [r for r in answered if r["type"] == "held"]
        check(all(r["type"] == "held" or r.get("code") == "unavailable" for r in answered),
              "in-flight replies: %r" % answered)
        states = server.db_seat_states()
        for r in held:
            check(states.get(r["seats"][0]) == ("held", r["hold"]), "acknowledged hold not stored")
        print("%d of 20 in-flight requests answered at shutdown (%d held)" % (len(answered), len(held)))
        for c in (fast, watcher):
            c.check_clean()
        server.check_log_clean()


if __name__ == "__main__":
    run(main)
