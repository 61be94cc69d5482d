#!/usr/bin/python3
"""A short booking against the server named by $SEATBOOK_SERVER (the unpacked package's, in
test-packages.sh): create-event from $SEATBOOK_VENUE, serve, hold two seats, book them, and find
the booking in list-events' version and in the database."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from sbtest import EVENT, Client, Server, check, run, venue_free_seat_ids, venue_seat_ids  # noqa: E402

VENUE = os.environ["SEATBOOK_VENUE"]


async def main():
    with Server() as server:
        server.create_event(venue=VENUE)
        server.start()
        client = await Client.connect(server, client_id="packaging-test")
        client.all_seats = venue_seat_ids(VENUE)
        snapshot = await client.request("subscribe", event=EVENT)
        check(snapshot["type"] == "snapshot", "subscribe: %r" % snapshot)
        seats = venue_free_seat_ids(VENUE)[:2]
        held = await client.request("hold", event=EVENT, seats=seats, ttl=60)
        check(held["type"] == "held", "hold: %r" % held)
        booked = await client.request("book", hold=held["hold"])
        check(booked["type"] == "booked", "book: %r" % booked)
        await client.ws.close()
        check(server.stop() == 0, "server exit status")
        server.check_log_clean()
        check(set(server.db_bookings()) == set(seats), "bookings: %r" % server.db_bookings())
        r = server.run_command("list-events", "--store=" + server.store)
        check(r.stdout.startswith(EVENT + "\t"), "list-events: %r" % r.stdout)
        print("booked %s through the unpacked server" % ", ".join(seats))


run(main)
