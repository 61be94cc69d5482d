#!/usr/bin/python3
"""Issue 10 (TLS): the server serves wss://, /healthz and /metrics over TLS with the configured
certificate; a booking goes through; a message spanning several TLS records is read whole; a
plain-text client on the TLS port is closed cleanly and counted, the server unharmed; a TLS
handshake that stalls (silent, or half a ClientHello) is closed by the handshake deadline and
counted as such, and one still pending does not hold up shutdown; plain text is only served on
loopback unless allow-plaintext is set (option or config file), which the log warns about at
every start."""

import asyncio
import os
import socket
import ssl
import subprocess
import time

from sbtest import (make_self_signed, EVENT, SERVER, START_TIMEOUT, Client, Server, check, finish,
                    insecure_ssl_context, run, venue_free_seat_ids)

DEADLINE = 30


def closures(server, reason):
    return server.metric('seatbook_edge_closures_total{reason="%s"}' % reason)


def tls_closures(server):
    return closures(server, "tls_handshake")


def wait_closures(server, reason, value):
    deadline = time.monotonic() + DEADLINE
    while closures(server, reason) != value:
        check(time.monotonic() < deadline, "%s closures: %r, expected %d"
              % (reason, closures(server, reason), value))
        time.sleep(0.05)


def expect_eof(sock, what):
    """The server closes the connection (a hang fails after DEADLINE)."""
    sock.settimeout(DEADLINE)
    try:
        while sock.recv(4096):
            pass
    except ConnectionResetError:
        pass
    except socket.timeout:
        raise AssertionError("%s: still open after %d s" % (what, DEADLINE))


def client_hello():
    """The first flight of a real TLS client (Python's ssl, without a socket)."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = insecure_ssl_context().wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = outgoing.read()
    check(len(hello) > 100 and hello[0] == 0x16, "not a ClientHello: %r" % hello[:8])
    return hello


def plain_text_on_tls_port(port):
    """An HTTP request in plain text: the server must close the connection, not hang."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        received = b""
        while True:
            try:
                data = sock.recv(4096)
            except ConnectionResetError:
                break
            if not data:
                break
            received += data
        # Whatever came back (perhaps a TLS alert) is no HTTP answer.
        check(not received.startswith(b"HTTP/"), "plain text answered: %r" % received[:80])
    finally:
        sock.close()


async def tls_server_works():
    seats = venue_free_seat_ids()
    with Server(tls=True) as server:
        server.create_event()
        server.start()
        status, _, body = server.http_get("/healthz")
        check(status == 200, "healthz over https: %d %r" % (status, body))
        status, content_type, body = server.http_get("/metrics")
        check(status == 200 and content_type.startswith("text/plain")
              and "seatbook_edge_closures_total" in body,
              "metrics over https: %d %r %r" % (status, content_type, body[:200]))
        check("listening on wss://" in server.log(), "log names wss://:\n" + server.log())
        check(tls_closures(server) == 0, "no TLS failure yet")

        clerk = await Client.connect(server)
        watcher = await Client.connect(server)
        await watcher.request("subscribe", event=EVENT)
        held = await clerk.request("hold", event=EVENT, seats=seats[:2], ttl=60)
        check(held["type"] == "held", "hold over wss: %r" % held)
        booked = await clerk.request("book", hold=held["hold"])
        check(booked["type"] == "booked" and sorted(booked["seats"]) == sorted(seats[:2]),
              "book over wss: %r" % booked)
        await watcher.wait_for(
            lambda m: m.get("type") == "changed"
            and any(e["id"] in seats[:2] and e["state"] == "booked" for e in m["seats"]),
            what="the booking seen")

        # One request of ~60 KB spans four TLS records: the server must read them all although
        # epoll sees one readable socket. It names a field ping does not have, so the reply says
        # the whole message was parsed.
        big = await clerk.request("ping", padding="x" * 60000)
        check(big["type"] == "error" and big["code"] == "invalid_request"
              and "padding" in big["message"], "large request over wss: %r" % big)

        # A plain-text client on the TLS port: closed, counted; the server goes on.
        await asyncio.get_running_loop().run_in_executor(None, plain_text_on_tls_port, server.port)
        deadline = asyncio.get_running_loop().time() + DEADLINE
        while tls_closures(server) < 1:
            check(asyncio.get_running_loop().time() < deadline, "plain-text client not counted")
            await asyncio.sleep(0.05)
        try:
            await Client.connect("ws://127.0.0.1:%d/ws" % server.port, open_timeout=DEADLINE)
            check(False, "a ws:// client got through on the TLS port")
        except (OSError, asyncio.TimeoutError, Exception) as error:  # noqa: B014
            check("got through" not in str(error), str(error))
        pong = await clerk.request("ping")
        check(pong["type"] == "pong", "server still serves TLS clients: %r" % pong)

        await finish(server, clerk, watcher)


def stalled_handshakes():
    with Server(tls=True) as server:
        server.create_event()
        server.start("--handshake-timeout=1")
        hello = client_hello()
        silent = socket.create_connection(("127.0.0.1", server.port), timeout=DEADLINE)
        half = socket.create_connection(("127.0.0.1", server.port), timeout=DEADLINE)
        half.sendall(hello[:len(hello) // 2])
        expect_eof(silent, "silent TCP connection on the TLS port")
        expect_eof(half, "half a ClientHello")
        silent.close()
        half.close()
        # Counted once each, as the deadline's, not as failed handshakes too.
        wait_closures(server, "handshake_timeout", 2)
        check(tls_closures(server) == 0, "a timed-out handshake counted as a TLS failure too: %r"
              % tls_closures(server))
        status, _, _ = server.http_get("/healthz")
        check(status == 200, "healthz after the stalled handshakes")
        check(server.stop() == 0, "exit status:\n" + server.log())

        # A handshake still waiting when the server stops does not hold it up.
        server.start("--handshake-timeout=600")
        pending = socket.create_connection(("127.0.0.1", server.port), timeout=DEADLINE)
        pending.sendall(hello[:len(hello) // 2])
        check(server.http_get("/healthz")[0] == 200, "healthz with a handshake pending")
        status = server.stop()
        check(status == 0, "exit status %r with a handshake pending:\n%s" % (status, server.log()))
        pending.close()


def plaintext_rule():
    with Server() as server:
        server.create_event()
        # Without TLS, another address than loopback needs allow-plaintext.
        refused = subprocess.run([SERVER, "--listen=0.0.0.0", "--port=0", "--store=" + server.store],
                                 capture_output=True, text=True, timeout=START_TIMEOUT)
        check(refused.returncode == 1 and "allow-plaintext" in refused.stderr,
              "plain text on 0.0.0.0 not refused: %d %s" % (refused.returncode, refused.stderr))

        server.start("--listen=0.0.0.0", "--allow-plaintext")
        status, _, _ = server.http_get("/healthz")
        check(status == 200, "healthz with allow-plaintext")
        check("allow-plaintext is set" in server.log(), "no warning:\n" + server.log())
        check(server.stop() == 0, "exit status")
        # The same from the config file, and the warning again at this start.
        config = os.path.join(server.tmpdir, "server.conf")
        with open(config, "w") as f:
            f.write("[server]\nallow-plaintext=true\n")
        server.start("--config=" + config, "--listen=0.0.0.0")
        check(server.http_get("/healthz")[0] == 200, "healthz with allow-plaintext in the file")
        check(server.log().count("allow-plaintext is set") == 2,
              "not warned at every start:\n" + server.log())
        check(server.stop() == 0, "exit status")

        # Loopback needs nothing, and warns about nothing.
        os.unlink(server.log_path)
        server.start()
        # Once it answers, its signal handlers are in place and its start logged (it writes
        # the port file before).
        check(server.http_get("/healthz")[0] == 200, "healthz on loopback")
        check("allow-plaintext" not in server.log(), "warning on loopback:\n" + server.log())
        status = server.stop()
        check(status == 0, "exit status %r:\n%s" % (status, server.log()))


def tls_on_every_address():
    """With a certificate, every address is fine, and nothing is warned about."""
    with Server(tls=True) as server:
        server.create_event()
        server.start("--listen=0.0.0.0")
        check(server.http_get("/healthz")[0] == 200, "healthz over https on 0.0.0.0")
        check("listening on wss://0.0.0.0:" in server.log(), "log:\n" + server.log())
        check("allow-plaintext" not in server.log(), "warning with TLS:\n" + server.log())
        check(server.stop() == 0, "exit status")


def mismatched_key():
    """A certificate with another certificate's key: refused at start with a clear message
    (it used to start, then fail every handshake; security review, finding 8)."""
    with Server() as server:
        server.create_event()
        cert_a, _ = make_self_signed(server.tmpdir, "a")
        _, key_b = make_self_signed(server.tmpdir, "b")
        refused = subprocess.run([SERVER, "--listen=127.0.0.1", "--port=0", "--store=" + server.store,
                                  "--tls-certificate=" + cert_a, "--tls-key=" + key_b],
                                 capture_output=True, text=True, timeout=START_TIMEOUT)
        check(refused.returncode == 1 and "does not match" in refused.stderr,
              "a mismatched key was accepted: %d %s" % (refused.returncode, refused.stderr))


async def main():
    mismatched_key()
    await tls_server_works()
    stalled_handshakes()
    plaintext_rule()
    tls_on_every_address()


if __name__ == "__main__":
    run(main)
