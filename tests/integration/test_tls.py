#!/usr/bin/python3
"""Issue 10 (TLS): the server serves wss://, /healthz and /metrics over TLS with the configured
certificate; a booking goes through; a message spanning several TLS records is read whole; a
plain-text client on the TLS port is closed cleanly and counted, the server unharmed; plain text
is only served on loopback unless allow-plaintext is set, which the log warns about."""

import asyncio
import os
import socket
import subprocess

from sbtest import (EVENT, SERVER, START_TIMEOUT, Client, Server, check, finish, run,
                    venue_free_seat_ids)

DEADLINE = 30


def tls_closures(server):
    return server.metric('seatbook_edge_closures_total{reason="tls_handshake"}')


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

        # Loopback needs nothing, and warns about nothing.
        os.unlink(server.log_path)
        server.start()
        # Once it answers, its signal handlers are in place and its start logged (it writes
        # the port file before).
        check(server.http_get("/healthz")[0] == 200, "healthz on loopback")
        check("allow-plaintext" not in server.log(), "warning on loopback:\n" + server.log())
        status = server.stop()
        check(status == 0, "exit status %r:\n%s" % (status, server.log()))


async def main():
    await tls_server_works()
    plaintext_rule()


if __name__ == "__main__":
    run(main)
