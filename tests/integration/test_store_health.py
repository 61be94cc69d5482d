#!/usr/bin/python3
"""Issue 9, item 9: a store that cannot be written does not pass for healthy.

- At start: a table with a corrupt page (and, when not run as root, whom file permissions do not
  stop, a read-only database file) makes the server exit non-zero with a clear message instead of
  listening, answering /healthz 200 and refusing every write.
- While running: while another process holds SQLite's write lock, every write fails; /healthz
  answers 503 ("store_failing"), the log says so once (not once per failed op), and once the lock
  is gone and a write commits, /healthz is 200 again."""

import asyncio
import os
import sqlite3
import stat
import urllib.error

from sbtest import EVENT, Client, Server, TestFailure, check, finish, run, venue_free_seat_ids


def start_fails(server, *words):
    """The server must refuse to start, saying each of words in its log."""
    try:
        server.start()
    except TestFailure:
        pass
    else:
        server.stop()
        raise TestFailure("the server started on a store it cannot use:\n" + server.log())
    check(server.proc.returncode not in (0, None), "exit status %r" % server.proc.returncode)
    text = server.log()
    for word in words:
        check(word in text, "no %r in the log:\n%s" % (word, text))


def corrupt_table(db, table):
    """Overwrites the root page of table with bytes that are no b-tree page."""
    con = sqlite3.connect(db)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    with open(db, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xee" * page_size)


def healthz(server):
    try:
        status, _, body = server.http_get("/healthz")
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read().decode()
    return status, body


async def main():
    seats = venue_free_seat_ids()

    # 1. A corrupt page in a table the server does not read at start (request outcomes).
    with Server() as server:
        server.create_event()
        corrupt_table(server.db, "requests")
        start_fails(server, "not usable", "quick_check")

    # 2. A read-only database file (root ignores file permissions).
    if os.geteuid() != 0:
        with Server() as server:
            server.create_event()
            os.chmod(server.db, stat.S_IRUSR | stat.S_IRGRP)
            start_fails(server, "not usable", "cannot be written")

    # 3. A store that keeps failing while the server runs.
    with Server() as server:
        server.create_event()
        server.start()
        check(healthz(server)[0] == 200, "healthz before: %r" % (healthz(server),))
        client = await Client.connect(server)

        locker = sqlite3.connect(server.db, timeout=30, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")  # SQLite's write lock, held by another process
        try:
            failed = 0
            for i in range(3):
                reply = await client.request("hold", event=EVENT, seats=[seats[i]], ttl=60)
                check(reply["type"] == "error" and reply["code"] == "unavailable", "%r" % reply)
                failed += 1
            status, body = healthz(server)
            check(status == 503 and '"store_failing"' in body, "healthz while failing: %r" % ((status, body),))
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        log = server.log()
        check(log.count("Store failing") == 1, "one line for %d failed ops:\n%s" % (failed, log))
        check("failed, retrying" not in log, "a line per failed batch:\n%s" % log)

        held = await client.request("hold", event=EVENT, seats=[seats[0]], ttl=60)
        check(held["type"] == "held", "%r" % held)
        check(healthz(server)[0] == 200, "healthz after: %r" % (healthz(server),))
        check("Store working again after 3 failed batches" in server.log(), server.log())
        await finish(server, client)


if __name__ == "__main__":
    run(main)
