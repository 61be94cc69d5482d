#!/usr/bin/python3
"""Upgrading keeps the bookings: this release's server opens a store written by the previous
release (fixtures/seatbook-0.1.0-df494cd.db, see make-upgrade-fixture.py), migrates its schema on
start, serves the old bookings as booked and takes new ones."""

import os
import shutil
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from sbtest import EVENT, Client, Server, check, run, venue_free_seat_ids, venue_seat_ids  # noqa: E402

FIXTURE = os.path.join(HERE, "fixtures", "seatbook-0.1.0-df494cd.db")
VENUE = os.path.join(HERE, "..", "..", "data", "venues", "cinema.json")
OLD_BOOKING = {"hall-A-1", "hall-A-2"}


async def main():
    with Server() as server:
        shutil.copyfile(FIXTURE, server.db)
        old_version = server.db_version()
        r = server.run_command("list-events", "--store=" + server.store)
        check(r.stdout.startswith(EVENT + "\t"), "list-events on the old store: %r" % r.stdout)

        server.start()
        client = await Client.connect(server, client_id="upgrade-test")
        client.all_seats = venue_seat_ids(VENUE)
        snapshot = await client.request("subscribe", event=EVENT)
        check(snapshot["type"] == "snapshot", "subscribe: %r" % snapshot)
        booked = {s["id"] for s in snapshot["seats"] if s["state"] == "booked"}
        check(booked == OLD_BOOKING, "the old bookings after the upgrade: %r" % booked)
        check(snapshot["version"] >= old_version, "the event's version went back")

        seat = [s for s in venue_free_seat_ids(VENUE) if s not in OLD_BOOKING][0]
        reply = await client.request("book", event=EVENT, seats=[seat])
        check(reply["type"] == "booked", "a new booking on the upgraded store: %r" % reply)
        await client.ws.close()
        check(server.stop() == 0, "server exit status")
        server.check_log_clean()

        bookings = server.db_bookings()
        check(OLD_BOOKING | {seat} == set(bookings), "bookings in the database: %r" % bookings)
        con = sqlite3.connect(server.db)
        try:
            new_schema = con.execute("PRAGMA user_version").fetchone()[0]
            integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
        old_schema = sqlite3.connect(FIXTURE).execute("PRAGMA user_version").fetchone()[0]
        check(new_schema >= old_schema, "schema version %d < %d" % (new_schema, old_schema))
        check(integrity == "ok", "integrity_check: %s" % integrity)
        print("schema version %d -> %d" % (old_schema, new_schema))


run(main)
