#!/usr/bin/python3
"""Writes fixtures/seatbook-0.1.0-df494cd.db: a SQLite store written by the previous release, for
test-upgrade.py. Run once with that release's server (this is how the committed file was made):

    git worktree add --detach /tmp/seatbook-prev df494cd
    meson setup /tmp/seatbook-prev/build -Dgui=disabled -Dmongodb=disabled
    meson compile -C /tmp/seatbook-prev/build seatbook-server
    SEATBOOK_SERVER=/tmp/seatbook-prev/build/server/seatbook-server \\
        tests/packaging/make-upgrade-fixture.py tests/packaging/fixtures/seatbook-0.1.0-df494cd.db

The store holds the event "opening-night" (cinema venue) with two seats booked by one client and
one seat held (the hold is long expired by the time the test opens it)."""

import os
import shutil
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from sbtest import EVENT, Client, Server, check, run, venue_free_seat_ids  # noqa: E402

VENUE = os.path.join(HERE, "..", "..", "data", "venues", "cinema.json")
CLIENT_ID = "9b2f7c1e-upgrade-fixture"


async def main():
    output = sys.argv[1]
    with Server() as server:
        server.create_event(venue=VENUE)
        server.start()
        client = await Client.connect(server, client_id=CLIENT_ID)
        await client.request("subscribe", event=EVENT)
        seats = venue_free_seat_ids(VENUE)
        booked = await client.request("book", event=EVENT, seats=seats[:2])
        check(booked["type"] == "booked", "book: %r" % booked)
        held = await client.request("hold", event=EVENT, seats=seats[2:3], ttl=5)
        check(held["type"] == "held", "hold: %r" % held)
        await client.ws.close()
        check(server.stop() == 0, "server exit status")
        con = sqlite3.connect(server.db)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode=DELETE")
        con.execute("VACUUM")
        con.close()
        shutil.copyfile(server.db, output)


run(main)
