#!/usr/bin/python3
"""Issue 9 item 3: silent and stalled peers are closed, each closure counted by reason.
- handshake: a TCP connection that never finishes its HTTP request (silent, or half a header)
- hello: an upgraded connection that never sends hello (closed with 1008)
- frame: a frame stalled mid-payload (closed with 1008)
- pong: a peer that stops answering keepalive pings (dropped), while one that answers stays
- budget: incomplete frames of all clients together over the budget (closed with 1013)
Deadlines are set to a second or two; the test's own waits only stop hangs."""

import os
import socket
import threading
import time

from sbtest import Server, check
from wsraw import Closed, close_code, connect, frame, recv_frame, send_frame, tcp, wait_eof

HELLO = b'{"type":"hello","id":"h","client":"deadline test","client_id":"deadline-test","protocol":1}'


def closure(server, reason):
    return server.metric('seatbook_edge_closures_total{reason="%s"}' % reason)


def wait_metric(server, reason, value, timeout=30):
    deadline = time.monotonic() + timeout
    while closure(server, reason) != value:
        check(time.monotonic() < deadline,
              "%s closures: %r, expected %d" % (reason, closure(server, reason), value))
        time.sleep(0.1)


def expect_eof(sock, what):
    sock.settimeout(30)
    try:
        while sock.recv(4096):
            pass
    except ConnectionResetError:
        pass
    except socket.timeout:
        raise AssertionError("%s: still open" % what)


def hello(sock):
    send_frame(sock, 0x1, HELLO)
    opcode, payload = recv_frame(sock)
    check(opcode == 0x1 and b'"welcome"' in payload, "hello: %r" % payload)


class Responder(threading.Thread):
    """A live client: answers every ping, keeps the texts it receives."""

    def __init__(self, sock):
        super().__init__(daemon=True)
        self.sock = sock
        self.pings = 0
        self.texts = []
        self.closed = False

    def run(self):
        try:
            while True:
                opcode, payload = recv_frame(self.sock, timeout=3600)
                if opcode == 0x9:
                    self.pings += 1
                    send_frame(self.sock, 0xA, payload)
                elif opcode == 0x1:
                    self.texts.append(payload)
        except (Closed, OSError):
            self.closed = True


def main():
    with Server() as server:
        server.create_event()
        # Bad values are usage errors.
        for bad in ("--frame-timeout=-1", "--pong-timeout=soon", "--partial-frame-budget=100",
                    "--hello-timeout=86401"):
            result = server.run_command(bad, "--store=" + server.store, check_status=False)
            check(result.returncode == 2, "%s: exit status %d" % (bad, result.returncode))
        # Half of the settings from the config file, half from the command line.
        config = os.path.join(server.tmpdir, "server.conf")
        with open(config, "w") as f:
            f.write("[server]\nhello-timeout=1\nframe-timeout=2\npartial-frame-budget=100000\n"
                    "ping-interval=600\n")
        server.start("--config=" + config, "--handshake-timeout=1", "--ping-interval=1",
                     "--pong-timeout=2")

        # Handshake: silent, and half a header.
        silent = tcp(server.port)
        half = tcp(server.port)
        half.sendall(b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgr")
        expect_eof(silent, "silent TCP connection")
        expect_eof(half, "half-sent headers")
        wait_metric(server, "handshake_timeout", 2)
        # A WebSocket that upgraded in time outlives the handshake deadline.
        ok = connect(server.port)
        hello(ok)
        live = Responder(ok)
        live.start()

        # Hello.
        mute = connect(server.port)
        frames = wait_eof(mute)
        check(frames and frames[-1][0] == 0x8 and close_code(frames[-1][1]) == 1008,
              "no hello: %r" % frames)
        wait_metric(server, "hello_timeout", 1)

        # A frame stalled mid-payload.
        stalled = connect(server.port)
        hello(stalled)
        stalled.sendall(frame(0x1, b'{"type":"pi', declared=1000))
        frames = [f for f in wait_eof(stalled) if f[0] != 0x9]
        check(frames and frames[-1][0] == 0x8 and close_code(frames[-1][1]) == 1008,
              "stalled frame: %r" % frames)
        wait_metric(server, "frame_timeout", 1)

        # Keepalive: `ok` answers pings, `dead` does not.
        dead = connect(server.port)
        hello(dead)
        opcode, payload = recv_frame(dead)
        check(opcode == 0x9, "expected a ping, got %r" % ((opcode, payload),))
        frames = wait_eof(dead)
        check(all(f[0] == 0x9 for f in frames), "dead peer got %r" % frames)
        wait_metric(server, "pong_timeout", 1)
        # Meanwhile the live connection was pinged and kept.
        check(live.pings >= 2 and not live.closed, "live connection: %d pings, closed %s"
              % (live.pings, live.closed))
        send_frame(ok, 0x1, b'{"type":"ping","id":"p"}')
        deadline = time.monotonic() + 30
        while not any(b'"pong"' in t for t in live.texts):
            check(time.monotonic() < deadline and not live.closed, "live connection: %r" % live.texts)
            time.sleep(0.05)

        # The budget of incomplete frames: 60,000 + 50,000 held > 100,000.
        first = connect(server.port)
        second = connect(server.port)
        hello(first)
        hello(second)
        first.sendall(frame(0x1, b"x" * 60000, declared=65000))
        time.sleep(0.3)
        second.sendall(frame(0x1, b"y" * 50000, declared=65000))
        frames = [f for f in wait_eof(second) if f[0] != 0x9]
        check(frames and frames[-1][0] == 0x8 and close_code(frames[-1][1]) == 1013,
              "over budget: %r" % frames)
        wait_metric(server, "partial_budget", 1)

        for sock in (ok, first):
            sock.close()
        server.check_log_clean()
        check(server.stop() == 0, "server did not stop cleanly")


if __name__ == "__main__":
    main()
