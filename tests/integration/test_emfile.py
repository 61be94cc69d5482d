#!/usr/bin/python3
"""Issue 9 item 2: running out of descriptors must not leave the server deaf. With a low
RLIMIT_NOFILE, connections are opened until accept () fails with EMFILE; once they are closed
the server must accept again (the requirement is within a second; the deadline here only stops
hangs, the time taken is printed), say so once in its log, and count it in /metrics."""

import resource
import socket
import subprocess
import time

import sbtest
from sbtest import Server, check
from wsraw import fd_count

LIMIT = 96
EXTRA = 160  # more connections than the limit leaves room for


def low_limit():
    resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT))


def healthz_ok(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            return sock.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


class LowLimitServer(Server):
    def start(self, *args):
        original = subprocess.Popen

        def popen(*a, **kw):
            kw["preexec_fn"] = low_limit
            return original(*a, **kw)

        sbtest.subprocess.Popen = popen
        try:
            return super().start(*args)
        finally:
            sbtest.subprocess.Popen = original


def main():
    with LowLimitServer() as server:
        server.create_event()
        # Idle connections must stay until we close them.
        server.start("--handshake-timeout=0")
        pid = server.proc.pid
        check(healthz_ok(server.port), "/healthz before")

        idle = []
        for _ in range(EXTRA):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            idle.append(sock)
        # Wait until the server has taken all it can.
        deadline = time.monotonic() + 30
        while fd_count(pid) < LIMIT - 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        check(fd_count(pid) >= LIMIT - 1, "server holds only %d descriptors" % fd_count(pid))

        # Out of descriptors, a new client is turned away at once rather than left hanging.
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.settimeout(5)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                answer = sock.recv(64)
            except ConnectionResetError:
                answer = b""
            check(answer == b"", "answered while out of descriptors: %r" % answer)

        for sock in idle:
            sock.close()
        freed_at = time.monotonic()
        deadline = freed_at + 30
        while not healthz_ok(server.port):
            check(time.monotonic() < deadline, "server still deaf after its descriptors came free")
            time.sleep(0.01)
        print("accepting again %.3f s after the descriptors were closed" % (time.monotonic() - freed_at))

        # And stays so: a WebSocket client is served too.
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            check(sock is not None, "connect")
        log = server.log()
        check(log.count("Out of file descriptors") == 1, "logged more than once:\n" + log)
        check("Accepting connections again" in log, "recovery not logged:\n" + log)
        check(server.metric("seatbook_accept_exhausted_total") == 1,
              "seatbook_accept_exhausted_total is %r" % server.metric("seatbook_accept_exhausted_total"))
        check(server.metric("seatbook_accept_refused_total") >= 1, "refused connections not counted")
        server.check_log_clean()
        check(server.stop() == 0, "server did not stop cleanly")


if __name__ == "__main__":
    main()
