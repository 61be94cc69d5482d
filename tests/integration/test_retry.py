#!/usr/bin/python3
"""(b) A request retried after a disconnect is done once: the same id after a reconnect gives the
first outcome again, with "replayed": true, and changes nothing (the version stays)."""

import asyncio
import json
import sqlite3

from sbtest import EVENT, Client, Server, check, finish, run, venue_free_seat_ids, venue_seat_ids


async def main():
    seats = venue_free_seat_ids()
    with Server() as server:
        server.create_event()
        server.start()
        client_id = "retry-client-1"

        # 1. Book, get the reply, lose the connection, retry with the same id.
        a = await Client.connect(server, client_id=client_id)
        first = await a.request("book", id="book-1", event=EVENT, seats=[seats[0], seats[1]])
        check(first["type"] == "booked" and "replayed" not in first, "first book: %r" % first)
        hold = await a.request("hold", id="hold-1", event=EVENT, seats=[seats[5]], ttl=600)
        check(hold["type"] == "held", "hold: %r" % hold)
        failed = await a.request("book", id="book-fail", event=EVENT, seats=[seats[0]])
        check(failed["type"] == "error" and failed["code"] == "seat_unavailable", "%r" % failed)
        await a.close()

        b = await Client.connect(server, client_id=client_id)
        # The identity's hold comes back with the welcome.
        check([h["hold"] for h in b.welcome["holds"]] == [hold["hold"]],
              "welcome.holds: %r" % b.welcome["holds"])
        snapshot = await b.request("subscribe", event=EVENT)
        version = snapshot["version"]

        again = await b.request("book", id="book-1", event=EVENT, seats=[seats[0], seats[1]])
        check(again["type"] == "booked" and again["booking"] == first["booking"]
              and again.get("replayed") is True, "retried book: %r vs %r" % (again, first))
        # Even with different content, the id names the first intent.
        again2 = await b.request("book", id="book-1", event=EVENT, seats=[seats[9]])
        check(again2["booking"] == first["booking"] and again2.get("replayed") is True, "%r" % again2)
        hold_again = await b.request("hold", id="hold-1", event=EVENT, seats=[seats[5]], ttl=600)
        check(hold_again["type"] == "held" and hold_again["hold"] == hold["hold"]
              and hold_again.get("replayed") is True, "retried hold: %r" % hold_again)
        failed_again = await b.request("book", id="book-fail", event=EVENT, seats=[seats[0]])
        check(failed_again["type"] == "error" and failed_again["code"] == "seat_unavailable"
              and failed_again.get("replayed") is True, "retried failure: %r" % failed_again)

        pong = await b.request("ping")  # a round trip after the retries: any change would be out
        check(pong["type"] == "pong", "%r" % pong)
        check(b.views[EVENT].version == version and not b.changed,
              "a retry changed something: %r" % b.changed)
        check(server.db_version() == version, "version moved in the database")
        check(server.db_bookings().get(seats[9]) is None, "the replayed book booked another seat")

        # 2. Send and drop the connection without waiting for the reply: the retry either replays
        # the first outcome or is the first to run; either way the seats are booked once.
        c = await Client.connect(server, client_id=client_id)
        await c.ws.send(json.dumps({"type": "book", "id": "book-2", "event": EVENT, "seats": [seats[20]]}))
        await c.ws.close()
        d = await Client.connect(server, client_id=client_id)
        retried = await d.request("book", id="book-2", event=EVENT, seats=[seats[20]])
        check(retried["type"] == "booked", "retried book-2: %r" % retried)
        retried2 = await d.request("book", id="book-2", event=EVENT, seats=[seats[20]])
        check(retried2["booking"] == retried["booking"] and retried2.get("replayed") is True, "%r" % retried2)
        db = server.db_bookings()
        check(db[seats[20]][0] == retried["booking"], "database has another booking for the seat")
        check(len({b for b, _ in db.values()}) == 2, "more bookings than intents: %r" % db)

        # 3. The same request id from another identity is another request.
        e = await Client.connect(server, client_id="retry-client-2")
        other = await e.request("book", id="book-1", event=EVENT, seats=[seats[0]])
        check(other["type"] == "error" and other["code"] == "seat_unavailable"
              and "replayed" not in other, "other identity: %r" % other)

        # 4. Seats another identity booked, or blocked ones, are refused from memory: final, so
        # nothing is recorded and the retry gets the same error, not a replay. The seats this
        # identity booked itself still go to the store, whose retry replays (part 1 above).
        def recorded(client, request_id):
            con = sqlite3.connect("file:%s?mode=ro" % server.db, uri=True)
            try:
                return con.execute("SELECT count(*) FROM requests WHERE client_id = ? AND request_id = ?",
                                   (client, request_id)).fetchone()[0] > 0
            finally:
                con.close()

        blocked = sorted(set(venue_seat_ids()) - set(seats))[0]
        for attempt in range(2):
            taken = await e.request("book", id="book-taken", event=EVENT, seats=[seats[1], seats[30]])
            check(taken["type"] == "error" and taken["code"] == "seat_unavailable"
                  and taken["seats"] == [seats[1]] and "replayed" not in taken,
                  "book of a seat another identity booked, attempt %d: %r" % (attempt, taken))
            on_blocked = await e.request("hold", id="hold-blocked", event=EVENT, seats=[blocked], ttl=60)
            check(on_blocked["type"] == "error" and on_blocked["code"] == "seat_unavailable"
                  and on_blocked["seats"] == [blocked] and "replayed" not in on_blocked,
                  "hold of a blocked seat, attempt %d: %r" % (attempt, on_blocked))
        check(not recorded("retry-client-2", "book-taken") and not recorded("retry-client-2", "hold-blocked"),
              "a rejection decided in memory went through the store")
        check(server.db_bookings().get(seats[30]) is None, "the refused book booked its free seat")
        mine = await d.request("book", id="book-1", event=EVENT, seats=[seats[0], seats[1]])
        check(mine["type"] == "booked" and mine["booking"] == first["booking"]
              and mine.get("replayed") is True, "own booking after the fast path: %r" % mine)
        check(recorded(client_id, "book-1"), "the booking's outcome is not recorded")

        await finish(server, b, d, e)


if __name__ == "__main__":
    run(main)
